"""Variational autoencoder (after pytorch/examples/vae) on synthetic 8x8 binary bar images."""

import json

import torch
from torch import nn, optim
from torch.nn import functional as F
from torch.utils.data import DataLoader, TensorDataset


class VAE(nn.Module):
    def __init__(self, d_in=64, hidden=128, latent=4):
        super().__init__()
        self.fc1 = nn.Linear(d_in, hidden)
        self.fc21 = nn.Linear(hidden, latent)
        self.fc22 = nn.Linear(hidden, latent)
        self.fc3 = nn.Linear(latent, hidden)
        self.fc4 = nn.Linear(hidden, d_in)

    def encode(self, x):
        h1 = F.relu(self.fc1(x))
        return self.fc21(h1), self.fc22(h1)

    def reparameterize(self, mu, logvar):
        std = torch.exp(0.5 * logvar)
        eps = torch.randn_like(std)
        return mu + eps * std

    def decode(self, z):
        h3 = F.relu(self.fc3(z))
        return torch.sigmoid(self.fc4(h3))

    def forward(self, x):
        mu, logvar = self.encode(x.view(-1, 64))
        z = self.reparameterize(mu, logvar)
        return self.decode(z), mu, logvar


def loss_function(recon_x, x, mu, logvar):
    bce = F.binary_cross_entropy(recon_x, x.view(-1, 64), reduction="sum")
    # KL(q(z|x) || N(0, I)) in closed form (Kingma & Welling, appendix B).
    kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return bce + kld, kld


def bars(n, gen):
    """Images made of 1-2 random horizontal or vertical bars."""
    imgs = torch.zeros(n, 8, 8)
    for i in range(n):
        for _ in range(int(torch.randint(1, 3, (1,), generator=gen))):
            k = int(torch.randint(0, 8, (1,), generator=gen))
            if torch.rand(1, generator=gen).item() < 0.5:
                imgs[i, k, :] = 1.0
            else:
                imgs[i, :, k] = 1.0
    return imgs


def main():
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(7)
    data = bars(600, gen)
    loader = DataLoader(TensorDataset(data), batch_size=50, shuffle=True)
    model = VAE()
    optimizer = optim.Adam(model.parameters(), lr=2e-3)
    epoch_losses, kls = [], []
    for _epoch in range(15):
        model.train()
        total, total_kl = 0.0, 0.0
        for (x,) in loader:
            optimizer.zero_grad()
            recon, mu, logvar = model(x)
            loss, kl = loss_function(recon, x, mu, logvar)
            loss.backward()
            optimizer.step()
            total += loss.item()
            total_kl += kl.item()
        epoch_losses.append(total / len(loader.dataset))
        kls.append(total_kl / len(loader.dataset))
    model.eval()
    with torch.no_grad():
        recon, mu, _ = model(data[:100])
        recon_err = F.binary_cross_entropy(recon, data[:100].view(-1, 64)).item()
        samples = model.decode(torch.randn(16, 4))
    print(f"loss per image {epoch_losses[0]:.2f} -> {epoch_losses[-1]:.2f}, KL {kls[-1]:.2f}")
    print("RESULT " + json.dumps({"initial_loss": epoch_losses[0], "final_loss": epoch_losses[-1], "kl": kls[-1],
                                  "recon_bce": recon_err, "sample_shape": list(samples.shape),
                                  "sample_range": [samples.min().item(), samples.max().item()]}))


if __name__ == "__main__":
    main()
