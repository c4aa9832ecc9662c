-- Progress of the plan saved on $plan_on at the as-of day: each assignment with the hours its
-- learner logged on its client since the plan's day (absences excluded), up to the as-of day.
-- Params: $plan_on, $as_of_on.
with

assignments as (
    select * from coverage_plan_assignments where plan_on = $plan_on::date
),

logged as (
    select t.consultant as learner, t.client, sum(t.hours) as logged_hours
    from time_entries t
    join assignments a on a.learner = t.consultant and a.client = t.client
    where not coalesce(t.is_absence, false)
      and t.work_date > $plan_on::date and t.work_date <= $as_of_on::date
    group by all
),

final as (
    select
        a.client,
        a.learner,
        a.trainer,
        a.hours as planned_hours,
        coalesce(l.logged_hours, 0) as logged_hours,
        a.plan_on + 7 * a.horizon_weeks as plan_end_on
    from assignments a
    left join logged l using (learner, client)
    order by a.client, a.learner
)

select * from final
