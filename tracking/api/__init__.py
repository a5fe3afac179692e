"""The engineers' API (Django REST framework) under /api/v1/: the registry, read and written."""
