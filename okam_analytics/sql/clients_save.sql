-- Write the contract hours, SLA tiers, knower targets and contacts the Settings page edited
-- (registered as edited_clients; contacts a list of addresses or null).
insert into clients (client, contract_hours_per_month, sla_tier, target_knowers, contacts)
with

edited as (
    select
        client::varchar as client,
        contract_hours_per_month::double as contract_hours_per_month,
        sla_tier::varchar as sla_tier,
        target_knowers::integer as target_knowers,
        contacts::varchar[] as contacts
    from edited_clients
),

final as (
    select * from edited
)

select * from final
on conflict (client) do update set
    contract_hours_per_month = excluded.contract_hours_per_month,
    sla_tier = excluded.sla_tier,
    target_knowers = excluded.target_knowers,
    contacts = excluded.contacts
