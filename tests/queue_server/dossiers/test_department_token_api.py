"""An admin creates a department token from the admin API (the console's admin page), and it reads its queue."""

from __future__ import annotations


def test_admin_creates_a_department_token_that_reads_only_its_departments_queue(site):
    answer = site.client.post(
        "/api/v1/admin/tokens",
        json={"role": "department", "department": "HT", "label": "Phòng Tư pháp"},
        headers=site.headers("admin"),
    )
    assert answer.status_code == 201, answer.text
    token = answer.json()["token"]
    queue = site.client.get("/api/v1/departments/dossiers", headers={"Authorization": f"Bearer {token}"})
    assert queue.status_code == 200, queue.text
    assert all(d["department"] == "HT" for d in queue.json())


def test_an_unknown_role_is_refused_in_both_languages(site):
    answer = site.client.post("/api/v1/admin/tokens", json={"role": "janitor"}, headers=site.headers("admin"))
    assert answer.status_code == 422
    body = answer.json()
    assert body["code"] and body["message_vi"] and body["message_en"]
