-- Per consultant: distinct clients worked for in the period, and tickets open at the as-of time.
-- Open at T: created before T and neither resolved nor closed before T; a ticket whose status is
-- resolved/closed but carries no date is taken as closed (we cannot tell since when).
-- Escalated: priority in $priorities, escalation_level >= 1, or (setting) reassigned.
-- Params: $date_from, $date_to, $as_of (timestamp, exclusive), $priorities, $include_reassigned.
with

period_clients as (
    select consultant, count(distinct client) as clients
    from time_entries
    where work_date between $date_from and $date_to
      and consultant is not null and client is not null
      and not coalesce(is_absence, false) and hours > 0
    group by consultant
),

open_at_as_of as (
    select
        assignee as consultant,
        coalesce(list_contains($priorities::varchar[], priority), false)
            or coalesce(escalation_level, 0) >= 1
            or ($include_reassigned and coalesce(reassignment_count, 0) >= 1) as is_escalated
    from tickets
    where assignee is not null
      and created_at < $as_of
      and (resolved_at is null or resolved_at >= $as_of)
      and (closed_at is null or closed_at >= $as_of)
      and not (resolved_at is null and closed_at is null
               and coalesce(status, 'open') in ('resolved', 'closed'))
),

open_tickets as (
    select
        consultant,
        count(*) as open_tickets,
        count(*) filter (where is_escalated) as open_escalations
    from open_at_as_of
    group by consultant
),

final as (
    select
        consultant,
        coalesce(c.clients, 0)::integer as clients,
        coalesce(t.open_tickets, 0)::integer as open_tickets,
        coalesce(t.open_escalations, 0)::integer as open_escalations
    from period_clients c
    full join open_tickets t using (consultant)
    order by consultant
)

select * from final
