-- Current rows of an import whose source no other active import carries: its versions are the
-- winners as they are (no ranking, nothing to delete).
insert into tickets by name
with final as (
    select v.* replace (coalesce(al.consultant, v.assignee) as assignee)
    from ticket_versions v
    left join consultant_aliases al on al.alias = v.assignee
    where v.import_id = $import_id
)

select * from final;

insert into ticket_events by name
with final as (
    select e.* replace (coalesce(al.consultant, e.assignee) as assignee)
    from ticket_event_versions e
    left join consultant_aliases al on al.alias = e.assignee
    where e.import_id = $import_id
)

select * from final
