"""Export and import formats. Each module turns newsmark models into one tool's format and back."""
