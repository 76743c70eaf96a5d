"""deeplabs: the helpers every lab of the course imports.

One module per concern (device, precision, seeding, budget, progress, plots, checkpoints,
checks, data.<lab>); importing the package does not import any lab's data code.
"""
from .budget import budget, is_fast, mode
from .device import get_device
from .seeding import seed_everything
from .session import start_lab

__version__ = "0.1.0"
__all__ = ["budget", "is_fast", "mode", "get_device", "seed_everything", "start_lab"]
