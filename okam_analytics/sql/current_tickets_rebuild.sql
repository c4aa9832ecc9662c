-- Rebuild every current ticket row and event from the active versions (after an alias change).
-- Winner per key: the active import with the latest period_end, then the larger sha256.
delete from tickets;

delete from ticket_events;

insert into tickets by name
with candidates as (
    select v.*, i.period_end, i.sha256
    from ticket_versions v
    join imports i on i.import_id = v.import_id and i.status = 'active'
),

winners as (
    select * exclude (period_end, sha256)
    from candidates
    qualify row_number() over (
        partition by source, ticket_id order by period_end desc nulls last, sha256 desc
    ) = 1
),

final as (
    select w.* replace (coalesce(al.consultant, w.assignee) as assignee)
    from winners w
    left join consultant_aliases al on al.alias = w.assignee
)

select * from final;

insert into ticket_events by name
with final as (
    select e.* replace (coalesce(al.consultant, e.assignee) as assignee)
    from ticket_event_versions e
    join tickets t
        on t.source = e.source and t.ticket_id = e.ticket_id and t.import_id = e.import_id
    left join consultant_aliases al on al.alias = e.assignee
)

select * from final
