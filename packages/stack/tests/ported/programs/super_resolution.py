"""Sub-pixel CNN super-resolution (after pytorch/examples/super_resolution): PixelShuffle, orthogonal init, PSNR."""

import json
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.nn.init as init


class Net(nn.Module):
    def __init__(self, upscale_factor):
        super().__init__()
        self.relu = nn.ReLU()
        self.conv1 = nn.Conv2d(1, 32, (5, 5), (1, 1), (2, 2))
        self.conv2 = nn.Conv2d(32, 32, (3, 3), (1, 1), (1, 1))
        self.conv3 = nn.Conv2d(32, 16, (3, 3), (1, 1), (1, 1))
        self.conv4 = nn.Conv2d(16, upscale_factor ** 2, (3, 3), (1, 1), (1, 1))
        self.pixel_shuffle = nn.PixelShuffle(upscale_factor)
        self._initialize_weights()

    def forward(self, x):
        x = self.relu(self.conv1(x))
        x = self.relu(self.conv2(x))
        x = self.relu(self.conv3(x))
        return self.pixel_shuffle(self.conv4(x))

    def _initialize_weights(self):
        init.orthogonal_(self.conv1.weight, init.calculate_gain("relu"))
        init.orthogonal_(self.conv2.weight, init.calculate_gain("relu"))
        init.orthogonal_(self.conv3.weight, init.calculate_gain("relu"))
        init.orthogonal_(self.conv4.weight)


def smooth_images(n, size, gen):
    """Random images smoothed by upsampling coarse noise: structure a network can learn to sharpen."""
    coarse = torch.rand(n, 1, size // 4, size // 4, generator=gen)
    fine = F.interpolate(coarse, size=(size, size), mode="bilinear", align_corners=False)
    return (fine + 0.05 * torch.rand(n, 1, size, size, generator=gen)).clamp(0, 1)


def psnr(pred, target):
    mse = F.mse_loss(pred, target).item()
    return 10 * math.log10(1 / mse)


def main():
    torch.manual_seed(123)
    gen = torch.Generator().manual_seed(0)
    upscale = 2
    hr_train, hr_test = smooth_images(96, 24, gen), smooth_images(32, 24, gen)
    lr_train, lr_test = F.avg_pool2d(hr_train, upscale), F.avg_pool2d(hr_test, upscale)
    model = Net(upscale)
    criterion = nn.MSELoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    losses = []
    for _epoch in range(30):
        for i in range(0, 96, 16):
            optimizer.zero_grad()
            loss = criterion(model(lr_train[i:i + 16]), hr_train[i:i + 16])
            loss.backward()
            optimizer.step()
        losses.append(loss.item())
    with torch.no_grad():
        model_psnr = psnr(model(lr_test).clamp(0, 1), hr_test)
        bilinear_psnr = psnr(F.interpolate(lr_test, scale_factor=upscale, mode="bilinear", align_corners=False), hr_test)
    print(f"loss {losses[0]:.4f} -> {losses[-1]:.4f}; PSNR {model_psnr:.2f} dB vs bilinear {bilinear_psnr:.2f} dB")
    print("RESULT " + json.dumps({"losses": losses, "psnr": model_psnr, "bilinear_psnr": bilinear_psnr}))


if __name__ == "__main__":
    main()
