"""The company index and each company's profile with its response record."""

from django.http import QueryDict
from django.shortcuts import render
from django.views.generic import DetailView, ListView

from companies.forms import CompanyFilterForm
from companies.models import Company, Sector, response_records
from companies.names import INITIALS
from resource_centre.pagination import paginate
from resource_centre.views import PublicOrPreviewMixin, ResultListMixin, SitePageMixin

COMPANIES_PER_PAGE = 100


def query_string(params: dict) -> str:
    query = QueryDict(mutable=True)
    query.update(params)
    return query.urlencode()


class CompanyListView(SitePageMixin, ListView):
    """Every public company, A to Z, with its sectors, headquarters and response rate,
    narrowed by a name search, a sector, a headquarters country and an initial (all kept in
    each other's links). Invalid filters answer 400 with the form and its errors."""

    template_name = "companies/company_list.html"
    context_object_name = "companies"
    paginate_by = COMPANIES_PER_PAGE

    def get(self, request, *args, **kwargs):
        public = Company.objects.published()
        self.form = CompanyFilterForm(
            request.GET, Sector.objects.all(), public.headquarters_countries()
        )
        if not self.form.is_valid():
            context = {"form": self.form, "companies": [], "invalid": True}
            return render(request, self.template_name, context, status=400)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        public = Company.objects.published()
        return self.form.filter(public).prefetch_related("sectors").order_by("name", "id")

    def paginate_queryset(self, queryset, page_size):
        page = paginate(self.request, queryset, page_size)
        return page.paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        companies = list(context["companies"])
        records = response_records(companies)
        for company in companies:
            company.response_counts = records.get(company.pk)
        context["companies"] = context["object_list"] = companies
        context.update(
            form=self.form,
            filtered=bool(self.form.params()),
            query_string=query_string(self.form.params()),
            initials=self.initial_links(),
        )
        return context

    def initial_links(self) -> list[dict]:
        """The A–Z bar: "All", each letter, then "#"; each linked (keeping the other
        filters) if a company under the other filters starts with it, and marked if it is
        the one chosen."""
        others = self.form.params(without=("letter",))
        present = self.form.filter(Company.objects.published(), without=("letter",)).initials()
        chosen = self.form.cleaned_data["letter"]

        def href(params):
            query = query_string(params)
            return f"{self.request.path}?{query}" if query else self.request.path

        links = [{"label": None, "href": href(others), "current": not chosen}]
        for initial in INITIALS:
            link = href({**others, "letter": initial}) if initial in present else ""
            links.append({"label": initial, "href": link, "current": initial == chosen})
        return links


class CompanyDetailView(ResultListMixin, PublicOrPreviewMixin, DetailView):
    """A company's profile: sectors, headquarters, website, response record (with its
    chart and table by year) and every public item naming it, newest first (the kernel's
    ResultListMixin)."""

    model = Company

    def get_base_queryset(self):
        return super().get_base_queryset().prefetch_related("sectors")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        history = self.object.response_history()
        context["history"] = history
        context["record"] = history.total
        return context
