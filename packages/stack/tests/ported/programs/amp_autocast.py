"""Mixed-precision training (after the PyTorch AMP recipe): autocast to bfloat16 on CPU, GradScaler, grad clipping."""

import json

import torch
import torch.nn as nn


def make_model(in_size, hidden, out_size, layers=3):
    blocks = []
    for _ in range(layers):
        blocks += [nn.Linear(in_size, hidden), nn.ReLU()]
        in_size = hidden
    blocks.append(nn.Linear(hidden, out_size))
    return nn.Sequential(*blocks)


def main():
    torch.manual_seed(0)
    device_type = "cuda" if torch.cuda.is_available() else "cpu"
    amp_dtype = torch.float16 if device_type == "cuda" else torch.bfloat16
    in_size, hidden, out_size, batch = 64, 128, 8, 64
    teacher = make_model(in_size, 32, out_size, layers=1)
    data = [torch.randn(batch, in_size, device=device_type) for _ in range(8)]
    with torch.no_grad():
        targets = [teacher(x) for x in data]

    net = make_model(in_size, hidden, out_size).to(device_type)
    opt = torch.optim.SGD(net.parameters(), lr=0.2, momentum=0.9)
    loss_fn = nn.MSELoss()
    scaler = torch.amp.GradScaler(device_type, enabled=(amp_dtype == torch.float16))
    losses, dtypes = [], set()
    for _epoch in range(20):
        total = 0.0
        for x, y in zip(data, targets):
            with torch.autocast(device_type=device_type, dtype=amp_dtype):
                output = net(x)
                loss = loss_fn(output, y)
            dtypes.add((str(output.dtype), str(loss.dtype)))
            scaler.scale(loss).backward()
            scaler.unscale_(opt)
            torch.nn.utils.clip_grad_norm_(net.parameters(), max_norm=1.0)
            scaler.step(opt)
            scaler.update()
            opt.zero_grad(set_to_none=True)
            total += loss.item()
        losses.append(total / len(data))
    param_dtypes = sorted({str(p.dtype) for p in net.parameters()})
    with torch.no_grad():
        fp32_loss = sum(loss_fn(net(x), y).item() for x, y in zip(data, targets)) / len(data)
    print(f"loss {losses[0]:.4f} -> {losses[-1]:.4f} (fp32 eval {fp32_loss:.4f}); autocast dtypes {sorted(dtypes)}")
    print("RESULT " + json.dumps({"losses": losses, "fp32_loss": fp32_loss, "autocast_dtypes": sorted(dtypes),
                                  "param_dtypes": param_dtypes, "scale": scaler.get_scale() if scaler.is_enabled() else None}))


if __name__ == "__main__":
    main()
