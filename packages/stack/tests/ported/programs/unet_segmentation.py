"""A small U-Net for binary segmentation of synthetic discs: skip connections, upsampling, Dice + BCE, plateau LR."""

import json

import torch
import torch.nn as nn
import torch.nn.functional as F


class DoubleConv(nn.Sequential):
    def __init__(self, in_ch, out_ch):
        super().__init__(
            nn.Conv2d(in_ch, out_ch, 3, padding=1, bias=False), nn.GroupNorm(4, out_ch), nn.SiLU(),
            nn.Conv2d(out_ch, out_ch, 3, padding=1, bias=False), nn.GroupNorm(4, out_ch), nn.SiLU(),
        )


class UNet(nn.Module):
    def __init__(self, base=8):
        super().__init__()
        self.inc = DoubleConv(1, base)
        self.down1 = nn.Sequential(nn.MaxPool2d(2), DoubleConv(base, base * 2))
        self.down2 = nn.Sequential(nn.AvgPool2d(2), DoubleConv(base * 2, base * 4))
        self.up1 = nn.ConvTranspose2d(base * 4, base * 2, kernel_size=2, stride=2)
        self.conv1 = DoubleConv(base * 4, base * 2)
        self.up2 = nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False)
        self.conv2 = DoubleConv(base * 3, base)
        self.outc = nn.Conv2d(base, 1, kernel_size=1)

    def forward(self, x):
        x1 = self.inc(x)
        x2 = self.down1(x1)
        x3 = self.down2(x2)
        y = self.conv1(torch.cat([x2, self.up1(x3)], dim=1))
        y = self.up2(y)
        if y.shape[-2:] != x1.shape[-2:]:
            y = F.interpolate(y, size=x1.shape[-2:], mode="nearest")
        y = self.conv2(torch.cat([x1, y], dim=1))
        return self.outc(y)


def dice_loss(logits, target, eps=1.0):
    prob = torch.sigmoid(logits)
    inter = (prob * target).sum(dim=(1, 2, 3))
    union = prob.sum(dim=(1, 2, 3)) + target.sum(dim=(1, 2, 3))
    return 1 - ((2 * inter + eps) / (union + eps)).mean()


def make_discs(n, size, gen):
    yy, xx = torch.meshgrid(torch.arange(size).float(), torch.arange(size).float(), indexing="ij")
    centers = torch.rand(n, 2, generator=gen) * (size - 8) + 4
    radii = torch.rand(n, generator=gen) * 3 + 2
    dist = (yy - centers[:, 0, None, None]) ** 2 + (xx - centers[:, 1, None, None]) ** 2
    masks = (dist < radii[:, None, None] ** 2).float().unsqueeze(1)
    images = masks * 0.8 + torch.randn(n, 1, size, size, generator=gen) * 0.3
    return images, masks


def iou(logits, target):
    pred = logits > 0
    inter = (pred & target.bool()).sum().item()
    union = (pred | target.bool()).sum().item()
    return inter / max(union, 1)


def main():
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(11)
    x_train, y_train = make_discs(96, 20, gen)
    x_val, y_val = make_discs(32, 20, gen)
    model = UNet()
    pos_weight = (1 - y_train.mean()) / y_train.mean()
    bce = nn.BCEWithLogitsLoss(pos_weight=pos_weight)
    optimizer = torch.optim.Adam(model.parameters(), lr=5e-3)
    scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode="min", factor=0.5, patience=1)
    val_losses = []
    for _epoch in range(8):
        model.train()
        for i in range(0, 96, 16):
            logits = model(x_train[i:i + 16])
            loss = bce(logits, y_train[i:i + 16]) + dice_loss(logits, y_train[i:i + 16])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            val_logits = model(x_val)
            val_loss = (bce(val_logits, y_val) + dice_loss(val_logits, y_val)).item()
        scheduler.step(val_loss)
        val_losses.append(val_loss)
    score = iou(val_logits, y_val)
    print(f"val loss {val_losses[0]:.3f} -> {val_losses[-1]:.3f}, IoU {score:.3f}, lr {optimizer.param_groups[0]['lr']}")
    print("RESULT " + json.dumps({"val_losses": val_losses, "iou": score, "lr": optimizer.param_groups[0]["lr"],
                                  "out_shape": list(val_logits.shape)}))


if __name__ == "__main__":
    main()
