from . import bulk_chatter
