"""Electronic signatures of PDF documents (PAdES), their audit trail and their evidence."""
