"""python -m deeplabs doctor"""
import sys

from .doctor import main

sys.exit(main())
