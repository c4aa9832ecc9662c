-- Write the consultants the Settings page edited (registered as edited_consultants): new names
-- are added, known ones take the edited values (blank cells mean "not set").
insert into consultants (consultant, team, role, weekly_capacity_hours, active_from, active_to)
with

edited as (
    select
        consultant::varchar as consultant,
        team::varchar as team,
        role::varchar as role,
        weekly_capacity_hours::double as weekly_capacity_hours,
        active_from::date as active_from,
        active_to::date as active_to
    from edited_consultants
),

final as (
    select * from edited
)

select * from final
on conflict (consultant) do update set
    team = excluded.team,
    role = excluded.role,
    weekly_capacity_hours = excluded.weekly_capacity_hours,
    active_from = excluded.active_from,
    active_to = excluded.active_to
