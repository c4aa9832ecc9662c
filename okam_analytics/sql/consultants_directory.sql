-- Every consultant with the values the Settings page edits, by name.
with

final as (
    select
        consultant,
        team,
        role,
        weekly_capacity_hours,
        active_from,
        active_to
    from consultants
    order by consultant
)

select * from final
