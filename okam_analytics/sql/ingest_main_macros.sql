-- Session macros of the main connection used while loading imports.
-- An absence entry: its project or task (lower case, accents stripped) matches the absence
-- regex built from the absence patterns (see load.absence_regex).
create or replace temp macro okam_is_absence(project, task, absence_regex) as coalesce(
    regexp_matches(lower(strip_accents(concat_ws(' ', project, task))), absence_regex), false
);
