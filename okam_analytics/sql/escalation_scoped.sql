-- The escalated tickets of the temp view escalation_tickets (escalated_tickets.sql) that belong to
-- the chosen clients and teams; an empty list chooses every one. A ticket is in a team when its
-- own team (helpdesk group) or its assignee's team (consultants table) is chosen.
with

escalated as (
    select * from escalation_tickets
),

teams_of_tickets as (
    select
        escalated.source,
        escalated.ticket_id,
        tickets.team as ticket_team,
        consultants.team as assignee_team
    from escalated
    left join tickets
        on tickets.source = escalated.source and tickets.ticket_id = escalated.ticket_id
    left join consultants on consultants.consultant = escalated.assignee
),

final as (
    select escalated.*
    from escalated
    join teams_of_tickets
        on teams_of_tickets.source = escalated.source
        and teams_of_tickets.ticket_id = escalated.ticket_id
    where (len($clients::varchar[]) = 0 or list_contains($clients::varchar[], escalated.client))
        and (
            len($teams::varchar[]) = 0
            or list_contains($teams::varchar[], teams_of_tickets.ticket_team)
            or list_contains($teams::varchar[], teams_of_tickets.assignee_team)
        )
)

select * from final
