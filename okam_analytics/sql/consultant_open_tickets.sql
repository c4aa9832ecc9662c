-- Per consultant: distinct clients worked for in the period, and tickets open at the as-of time
-- (rules in the macros period_clients_by_consultant and open_tickets_by_consultant, schema.sql).
-- Params: $date_from, $date_to, $as_of (timestamp, exclusive), $priorities, $include_reassigned.
with

period_clients as (
    select * from period_clients_by_consultant($date_from, $date_to)
),

open_tickets as (
    select * from open_tickets_by_consultant($as_of, $priorities, $include_reassigned)
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
