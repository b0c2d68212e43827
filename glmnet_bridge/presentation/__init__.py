"""What a person sees: figures, reports and the command line. Reads results, never fits."""
