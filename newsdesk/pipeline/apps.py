from django.apps import AppConfig


class PipelineConfig(AppConfig):
    name = "newsdesk.pipeline"
    label = "pipeline"
    verbose_name = "Publishing pipeline"
