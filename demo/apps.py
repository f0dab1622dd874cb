from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The synthetic demo data and its `load_demo_data` command: the top of the house, free to use every app."""

    name = "demo"
