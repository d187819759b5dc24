"""The company index and each company's profile with its response record."""

from django.views.generic import DetailView, ListView

from companies.models import Company
from resource_centre.pagination import paginate
from resource_centre.views import PublicOrPreviewMixin, ResultListMixin, SitePageMixin

COMPANIES_PER_PAGE = 100


class CompanyListView(SitePageMixin, ListView):
    """Every public company, A to Z, with its sectors."""

    template_name = "companies/company_list.html"
    context_object_name = "companies"
    paginate_by = COMPANIES_PER_PAGE

    def get_queryset(self):
        return Company.objects.published().prefetch_related("sectors").order_by("name", "id")

    def paginate_queryset(self, queryset, page_size):
        page = paginate(self.request, queryset, page_size)
        return page.paginator, page, page.object_list, page.has_other_pages()


class CompanyDetailView(ResultListMixin, PublicOrPreviewMixin, DetailView):
    """A company's profile: sectors, headquarters, website, response record and every public
    item naming it, newest first (the kernel's ResultListMixin)."""

    model = Company

    def get_base_queryset(self):
        return super().get_base_queryset().prefetch_related("sectors")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["record"] = self.object.response_record()
        return context
