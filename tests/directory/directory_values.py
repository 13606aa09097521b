"""Constants shared by the directory tests and their fixtures."""

PATIENT_DOMAIN = "patient.test.mssante.fr"
