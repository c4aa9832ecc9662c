-- Replace the alias table by the one the Settings page edited (registered as edited_aliases),
-- then merge each alias's consultants row into its consultant: values the consultant lacks are
-- taken from the alias row, and the alias row goes (the spelling is no longer a consultant).
delete from consultant_aliases;

insert into consultant_aliases (alias, consultant)
select alias::varchar, consultant::varchar from edited_aliases;

update consultants set
    team = coalesce(consultants.team, merged.team),
    role = coalesce(consultants.role, merged.role),
    weekly_capacity_hours = coalesce(consultants.weekly_capacity_hours, merged.weekly_capacity_hours),
    active_from = coalesce(consultants.active_from, merged.active_from),
    active_to = coalesce(consultants.active_to, merged.active_to)
from (
    select
        aliases.consultant,
        max(spelled.team) as team,
        max(spelled.role) as role,
        max(spelled.weekly_capacity_hours) as weekly_capacity_hours,
        min(spelled.active_from) as active_from,
        max(spelled.active_to) as active_to
    from consultant_aliases as aliases
    join consultants as spelled on spelled.consultant = aliases.alias
    group by aliases.consultant
) as merged
where consultants.consultant = merged.consultant;

delete from consultants
where consultant in (select alias from consultant_aliases);
