-- Agreement of our SLA verdict (sla_met) with the source's own flag, per priority and overall.
-- Reads the temp table escalation_tickets (escalated_tickets.sql).
with

compared as (
    select *
    from escalation_tickets
    where source_sla_met is not null and sla_met is not null
),

final as (
    select
        case when grouping(priority) = 1 then 'all' else priority end as priority,
        count(*) as compared,
        count(*) filter (where sla_met = source_sla_met) as agree,
        count(*) filter (where sla_met = source_sla_met) / count(*) as agreement,
        count(*) filter (where sla_met and not source_sla_met) as ours_met_source_breached,
        count(*) filter (where not sla_met and source_sla_met) as ours_breached_source_met
    from compared
    group by grouping sets ((priority), ())
    order by grouping(priority), priority
)

select * from final
