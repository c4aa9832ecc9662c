-- The SLA targets of the escalation.sla setting, one row per priority.
with

final as (
    select unnest($targets, recursive := true)  -- priority, response/resolution_target_minutes, clock
)

select * from final
