-- Recompute the current ticket rows (and their events) of the keys an import carries.
-- Winner: the active import with the latest period_end, then the
-- larger sha256. Keys no other active import carries skip the ranking (the usual large case).
-- (one import carries each key once: no distinct needed)
create or replace temp table affected_tickets as
select source, ticket_id
from ticket_versions
where import_id = $import_id;

create or replace temp table contested_tickets as
select distinct v.source, v.ticket_id
from ticket_versions v
join imports i on i.import_id = v.import_id and i.status = 'active'
semi join affected_tickets a on a.source = v.source and a.ticket_id = v.ticket_id
where v.import_id <> $import_id;

delete from tickets t using affected_tickets a
where t.source = a.source and t.ticket_id = a.ticket_id;

delete from ticket_events e using affected_tickets a
where e.source = a.source and e.ticket_id = a.ticket_id;

insert into tickets by name
with sole as (
    select v.*
    from ticket_versions v
    join imports i on i.import_id = v.import_id and i.status = 'active'
    anti join contested_tickets c on c.source = v.source and c.ticket_id = v.ticket_id
    where v.import_id = $import_id
),

candidates as (
    select v.*, i.period_end, i.sha256
    from ticket_versions v
    join contested_tickets c on c.source = v.source and c.ticket_id = v.ticket_id
    join imports i on i.import_id = v.import_id and i.status = 'active'
),

ranked as (
    select * exclude (period_end, sha256)
    from candidates
    qualify row_number() over (
        partition by source, ticket_id order by period_end desc nulls last, sha256 desc
    ) = 1
),

winners as (
    select * from sole
    union all by name
    select * from ranked
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
    join affected_tickets a on a.source = e.source and a.ticket_id = e.ticket_id
    join tickets t
        on t.source = e.source and t.ticket_id = e.ticket_id and t.import_id = e.import_id
    left join consultant_aliases al on al.alias = e.assignee
)

select * from final
