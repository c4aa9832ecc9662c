-- Save a cross-training plan (registered as saved_plan: client, learner, trainer, hours) under
-- its as-of day (coverage_plan_forget.sql first clears that day).
-- Params: $plan_on, $saved_at, $horizon_weeks.
insert into coverage_plan_assignments
with

final as (
    select
        $plan_on::date as plan_on,
        $saved_at::timestamp as saved_at,
        client::varchar as client,
        learner::varchar as learner,
        trainer::varchar as trainer,
        hours::double as hours,
        $horizon_weeks::integer as horizon_weeks
    from saved_plan
    where learner is not null
)

select * from final
