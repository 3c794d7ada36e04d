"""The end-to-end benchmark's parts: sink control, shipper runs, modes, report."""
