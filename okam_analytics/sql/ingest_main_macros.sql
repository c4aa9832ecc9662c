-- Session macros of the main connection used while loading imports.
-- An absence entry: its project or task contains one of the patterns (case and accents ignored).
create or replace temp macro okam_is_absence(project, task, patterns) as (
    len(list_filter(
        patterns,
        lambda p: contains(
            lower(strip_accents(concat_ws(' ', project, task))), lower(strip_accents(p))
        )
    )) > 0
);
