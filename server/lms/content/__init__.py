"""Course content: modules, lessons, resources and FAQs."""
