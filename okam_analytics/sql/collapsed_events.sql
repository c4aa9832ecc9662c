-- One row per event of an event log (table event_log_input, built by ingest/event_log.py).
with

final as (
    select
        ticket_id,
        event_at,
        status_raw,
        assignee,
        team,
        priority,
        __line
    from event_log_input
    order by ticket_id, event_at nulls last, __line
)

select * from final
