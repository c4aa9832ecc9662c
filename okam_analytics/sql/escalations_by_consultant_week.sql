-- Escalations landing on each consultant per ISO week (week of creation), beside that
-- consultant's utilisation the same week. Reads the temp table escalation_tickets and the
-- relation weekly_utilisation (metrics/workload.py: weekly_utilisation).
with

escalations as (
    select
        assignee as consultant,
        created_week as week_start,
        count(*) as escalations,
        count(*) filter (where state in ('breached', 'open_breached')) as breached_escalations
    from escalation_tickets
    where assignee is not null
    group by all
),

utilisation as (
    select
        consultant,
        week_start::date as week_start,
        worked_hours,
        capacity_hours,
        utilisation,
        overloaded
    from weekly_utilisation
),

final as (
    select
        coalesce(escalations.consultant, utilisation.consultant) as consultant,
        coalesce(escalations.week_start, utilisation.week_start) as week_start,
        coalesce(escalations.escalations, 0) as escalations,
        coalesce(escalations.breached_escalations, 0) as breached_escalations,
        utilisation.worked_hours,
        utilisation.capacity_hours,
        utilisation.utilisation,
        utilisation.overloaded
    from escalations
    full outer join utilisation
        on utilisation.consultant = escalations.consultant
        and utilisation.week_start = escalations.week_start
    order by week_start, consultant
)

select * from final
