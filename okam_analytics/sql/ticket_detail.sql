-- One ticket as the helpdesk exported it (current version), for the drill-down of a table row.
with

chosen as (
    select *
    from tickets
    where source = $source and ticket_id = $ticket_id
),

final as (
    select
        source,
        ticket_id,
        client,
        title,
        category,
        priority,
        priority_raw,
        status,
        status_raw,
        assignee,
        team,
        created_at,
        first_response_at,
        resolved_at,
        closed_at,
        escalation_level,
        reassignment_count,
        reopen_count,
        source_sla_met
    from chosen
)

select * from final
