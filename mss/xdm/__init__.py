"""IHE XDM (ITI TF-1 §16, ITI TF-3 §4.2.4): packaging documents for a patient's record."""
