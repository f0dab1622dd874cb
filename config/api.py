"""The REST API, version 1: one NinjaAPI; each domain package adds its router."""

from ninja import NinjaAPI

api = NinjaAPI(title="Innoverkko API", version="1", urls_namespace="api-v1")
