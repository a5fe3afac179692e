"""The API's serializers, one module per resource, mirroring the views."""
