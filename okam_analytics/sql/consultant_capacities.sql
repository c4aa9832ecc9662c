-- Each consultant's weekly capacity (their own, else the default), from the roster macro.
-- Params: $default_capacity_hours.
with

final as (
    select consultant, weekly_capacity_hours
    from consultant_roster($default_capacity_hours)
    order by consultant
)

select * from final
