"""The platform seam: TikTok's TTMinis.game for Python, over JS in a browser or a simulator natively."""
