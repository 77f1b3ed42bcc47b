"""Architecture decision records: the register, its pages and adr-tools import and export."""
