"""Reading and writing mail for the webmail, over the core's store, delivery and submission."""
