"""The shared person record: identity, address, GP practice, carers, safety alerts and coded history."""
