"""DCGAN-style training (after the PyTorch DCGAN tutorial) on synthetic 16x16 blob images."""

import json

import torch
import torch.nn as nn
import torch.optim as optim

NZ, NGF, NDF = 8, 32, 32


def weights_init(m):
    classname = m.__class__.__name__
    if classname.find("Conv") != -1:
        nn.init.normal_(m.weight.data, 0.0, 0.02)
    elif classname.find("BatchNorm") != -1:
        nn.init.normal_(m.weight.data, 1.0, 0.02)
        nn.init.constant_(m.bias.data, 0)


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.main = nn.Sequential(
            nn.ConvTranspose2d(NZ, NGF * 2, 4, 1, 0, bias=False), nn.BatchNorm2d(NGF * 2), nn.ReLU(True),
            nn.ConvTranspose2d(NGF * 2, NGF, 4, 2, 1, bias=False), nn.BatchNorm2d(NGF), nn.ReLU(True),
            nn.ConvTranspose2d(NGF, 1, 4, 2, 1, bias=False), nn.Tanh(),
        )

    def forward(self, z):
        return self.main(z)


class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.main = nn.Sequential(
            nn.Conv2d(1, NDF, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(NDF, NDF * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(NDF * 2), nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(NDF * 2, 1, 4, 1, 0, bias=False),
        )

    def forward(self, x):
        return self.main(x).view(-1)


def real_batch(n):
    """Gaussian blobs at random centres, scaled to [-1, 1] like normalised images."""
    grid = torch.arange(16).float()
    cy, cx = torch.rand(n, 1, 1) * 8 + 4, torch.rand(n, 1, 1) * 8 + 4
    blob = torch.exp(-((grid.view(1, 16, 1) - cy) ** 2 + (grid.view(1, 1, 16) - cx) ** 2) / 8.0)
    return (blob * 2 - 1).unsqueeze(1)


def main():
    torch.manual_seed(999)
    netG, netD = Generator(), Discriminator()
    netG.apply(weights_init)
    netD.apply(weights_init)
    criterion = nn.BCEWithLogitsLoss()
    fixed_noise = torch.randn(64, NZ, 1, 1)
    optimizerD = optim.Adam(netD.parameters(), lr=2e-3, betas=(0.5, 0.999))
    optimizerG = optim.Adam(netG.parameters(), lr=2e-3, betas=(0.5, 0.999))
    real_label, fake_label = 1.0, 0.0
    g_losses, d_losses, gaps = [], [], []
    target_mean = real_batch(512).mean().item()
    for _it in range(60):
        # (1) Update D: maximize log(D(x)) + log(1 - D(G(z)))
        netD.zero_grad()
        real = real_batch(32)
        label = torch.full((32,), real_label, dtype=torch.float)
        errD_real = criterion(netD(real), label)
        errD_real.backward()
        fake = netG(torch.randn(32, NZ, 1, 1))
        label.fill_(fake_label)
        errD_fake = criterion(netD(fake.detach()), label)
        errD_fake.backward()
        optimizerD.step()
        # (2) Update G: maximize log(D(G(z)))
        netG.zero_grad()
        label.fill_(real_label)
        errG = criterion(netD(fake), label)
        errG.backward()
        optimizerG.step()
        g_losses.append(errG.item())
        d_losses.append((errD_real + errD_fake).item())
        with torch.no_grad():
            gaps.append(abs(netG(fixed_noise).mean().item() - target_mean))
    netG.eval()
    with torch.no_grad():
        sample = netG(fixed_noise)
    print(f"D loss {d_losses[-1]:.3f}, G loss {g_losses[-1]:.3f}, mean-intensity gap {gaps[0]:.3f} -> {gaps[-1]:.3f}")
    print("RESULT " + json.dumps({"d_losses": d_losses, "g_losses": g_losses, "initial_gap": gaps[0], "final_gap": min(gaps[-10:]),
                                  "sample_shape": list(sample.shape), "sample_min": sample.min().item(),
                                  "sample_max": sample.max().item()}))


if __name__ == "__main__":
    main()
