"""Every write of the FHIR app: importing Bundles and NDJSON files (`importing`), and API clients (`clients`)."""
