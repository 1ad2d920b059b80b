/* Build identification: lets Python check it loaded the library it expects. */
#ifndef FX_BUILD_H
#define FX_BUILD_H
#include <stdint.h>

int fx_abi_version(void);
int fx_num_threads(void);
void fx_set_num_threads(int n);

#endif
