"""Spectrally-normalized GAN with hinge loss on the 8-Gaussians ring (the classic toy GAN benchmark)."""

import json
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils import spectral_norm
from torch.nn.utils.parametrizations import spectral_norm as sn_param

MODES = torch.tensor([[math.cos(2 * math.pi * k / 8), math.sin(2 * math.pi * k / 8)] for k in range(8)]) * 2.0


def sample_real(n):
    idx = torch.randint(0, 8, (n,))
    return MODES[idx] + 0.05 * torch.randn(n, 2)


class Generator(nn.Module):
    def __init__(self, nz=4, hidden=64):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(nz, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, 2))

    def forward(self, z):
        return self.net(z)


class Discriminator(nn.Module):
    def __init__(self, hidden=64):
        super().__init__()
        # legacy hook-based spectral_norm on the hidden layers, the parametrization on the output layer
        self.net = nn.Sequential(spectral_norm(nn.Linear(2, hidden)), nn.LeakyReLU(0.1),
                                 spectral_norm(nn.Linear(hidden, hidden)), nn.LeakyReLU(0.1),
                                 sn_param(nn.Linear(hidden, 1)))

    def forward(self, x):
        return self.net(x).view(-1)


def quality(samples):
    """Fraction of samples within 0.3 of a mode, and how many of the 8 modes get at least 2% of them."""
    d = torch.cdist(samples, MODES)
    near, which = d.min(1)
    good = near < 0.3
    counts = torch.bincount(which[good], minlength=8)
    return good.float().mean().item(), int((counts > 0.02 * len(samples)).sum())


def main():
    torch.manual_seed(0)
    G, D = Generator(), Discriminator()
    opt_g = torch.optim.Adam(G.parameters(), lr=1e-3, betas=(0.0, 0.9))
    opt_d = torch.optim.Adam(D.parameters(), lr=1e-3, betas=(0.0, 0.9))
    fixed_z = torch.randn(1000, 4)
    with torch.no_grad():
        q0, modes0 = quality(G(fixed_z))
    d_losses, g_losses = [], []
    for _step in range(400):
        for _ in range(2):  # n_critic
            real, fake = sample_real(128), G(torch.randn(128, 4)).detach()
            d_loss = F.relu(1.0 - D(real)).mean() + F.relu(1.0 + D(fake)).mean()
            opt_d.zero_grad()
            d_loss.backward()
            opt_d.step()
        g_loss = -D(G(torch.randn(128, 4))).mean()
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()
        d_losses.append(d_loss.item())
        g_losses.append(g_loss.item())
    D.eval()
    with torch.no_grad():
        q, modes = quality(G(fixed_z))
        sigmas = [torch.linalg.matrix_norm(m.weight, ord=2).item() for m in D.net if isinstance(m, nn.Linear)]
    print(f"samples near a mode {q0:.2f} -> {q:.2f}, modes covered {modes0} -> {modes}; D sigmas {sigmas}")
    print("RESULT " + json.dumps({"quality_before": q0, "quality": q, "modes_before": modes0, "modes": modes, "sigmas": sigmas,
                                  "d_loss": sum(d_losses[-20:]) / 20, "g_loss": sum(g_losses[-20:]) / 20,
                                  "d_keys": sorted(D.state_dict())}))


if __name__ == "__main__":
    main()
