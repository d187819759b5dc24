'use strict';
// The admin's pickers (resource_centre/pickers.py), on the admin's own select2:
// - select.rc-searchable: every choice is in the page; typing filters them (case and
//   accents do not matter) or finds one by its code ("DE").
// - select.rc-creating-autocomplete: choices from the autocomplete view; a name that
//   matches none is offered as "Create …", which selects nothing but writes the name into
//   the labelled text field the form reads new names from (data-create-into).
// Every select2 on the page (these and Django's autocomplete fields) is named after its
// field's label by admin/accessible_names.js, on every admin page.
{
    const $ = django.jQuery;
    const CREATE_PREFIX = 'rc-create:';

    // select2 shows "Searching…" or "No results found" as the only item of its list of
    // choices, with the role "alert", which a list of choices may not hold: it becomes an
    // option that cannot be chosen, still read out at once (aria-live).
    const Results = $.fn.select2.amd.require('select2/results');
    const displayMessage = Results.prototype.displayMessage;
    Results.prototype.displayMessage = function(params) {
        displayMessage.call(this, params);
        this.$results.find('.select2-results__message').attr(
            {role: 'option', 'aria-disabled': 'true'}
        );
    };

    const defaultMatcher = $.fn.select2.defaults.defaults.matcher;

    // select2's own matching (case and accents do not matter), and a choice's code.
    function nameOrCode(params, data) {
        const term = $.trim(params.term || '').toUpperCase();
        if (term && data.id && String(data.id).toUpperCase() === term) {
            return data;
        }
        return defaultMatcher(params, data);
    }

    function makeSearchable(select) {
        $(select).select2({matcher: nameOrCode, width: 'style'});
        $(select).data('select2').$container.addClass('rc-picker');
    }

    // "a, b" holds two names: a name with a comma or a quote is written in double quotes,
    // as in a CSV row (stories/pickers.py, parse_names).
    function quoted(name) {
        return /[,"]/.test(name) ? `"${name.replace(/"/g, '""')}"` : name;
    }

    function addName(input, name, status) {
        const names = input.value.split(',').map((part) => part.trim()).filter(Boolean);
        if (!names.some((existing) => existing.toUpperCase() === quoted(name).toUpperCase())) {
            names.push(quoted(name));
            input.value = names.join(', ');
            input.dispatchEvent(new Event('input', {bubbles: true}));
        }
        status.textContent = input.dataset.addedLabel
            ? input.dataset.addedLabel.replace('%(name)s', name) : name;
    }

    function makeCreating(select) {
        const input = document.getElementById(select.dataset.createInto);
        const createLabel = select.dataset.createLabel;
        const status = document.createElement('span');
        status.className = 'rc-picker-status';
        status.setAttribute('role', 'status');
        $(select).select2({
            width: 'style',
            ajax: {
                data: (params) => ({
                    term: params.term,
                    page: params.page,
                    app_label: select.dataset.appLabel,
                    model_name: select.dataset.modelName,
                    field_name: select.dataset.fieldName,
                }),
                processResults: (data, params) => {
                    const term = $.trim(params.term || '');
                    const results = data.results.slice();
                    const known = results.some(
                        (result) => result.text.toUpperCase() === term.toUpperCase()
                    );
                    if (input && term && !known && !(params.page > 1)) {
                        results.push({
                            id: CREATE_PREFIX + term,
                            text: createLabel.replace('%(name)s', term),
                            name: term,
                        });
                    }
                    return {results: results, pagination: data.pagination};
                },
            },
        });
        $(select).data('select2').$container.addClass('rc-picker').after(status);
        $(select).on('select2:select', (event) => {
            const data = event.params.data;
            if (!String(data.id).startsWith(CREATE_PREFIX)) {
                return;
            }
            // Nothing is selected: the name goes to the field of new names.
            $(select).find('option').filter((i, option) => option.value === data.id).remove();
            $(select).trigger('change');
            addName(input, data.name, status);
        });
    }

    function init(root) {
        $(root).find('select.rc-searchable').not('[name*=__prefix__]').each(
            (i, select) => makeSearchable(select)
        );
        $(root).find('select.rc-creating-autocomplete').not('[name*=__prefix__]').each(
            (i, select) => makeCreating(select)
        );
    }

    $(() => init(document));
    $(document).on('select2:open', (event) => {
        // An open combobox names the list it controls (select2 only says it owns it).
        const selection = $(event.target).data('select2').$container.find('.select2-selection');
        selection.attr('aria-controls', selection.attr('aria-owns'));
    });
    document.addEventListener('formset:added', (event) => {
        init(event.target);
    });
}
