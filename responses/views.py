"""A company response's own page."""

from django.views.generic import DetailView

from responses.models import CompanyResponse
from stories.views import ItemDetailMixin


class CompanyResponseDetailView(ItemDetailMixin, DetailView):
    """The company, what it was asked about, and its answer, refusal or silence."""

    model = CompanyResponse
    template_name = "responses/response_detail.html"

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("company", "responds_to")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        responds_to = self.object.responds_to
        context["responds_to"] = responds_to if responds_to and responds_to.is_public else None
        return context
