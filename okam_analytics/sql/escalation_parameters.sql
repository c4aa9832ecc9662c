-- The escalation rule and period as one row, read by the view escalated_tickets.sql
-- (a view cannot hold bound parameters).
with

final as (
    select
        $as_of::timestamp as as_of,
        $date_from::timestamp as date_from,
        $date_end::timestamp as date_end,
        $priorities::varchar[] as priorities,
        $include_reassigned::boolean as include_reassigned
)

select * from final
