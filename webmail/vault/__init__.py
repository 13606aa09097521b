"""The patient's document vault: documents encrypted like mail, filed by title, type and source."""
