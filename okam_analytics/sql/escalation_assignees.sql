-- The consultants the escalated tickets of the temp view escalation_tickets are assigned to.
with

final as (
    select distinct assignee as consultant
    from escalation_tickets
    where assignee is not null
    order by consultant
)

select * from final
