from django.urls import path

from xuncha.accounts import views, views_auth

app_name = "accounts"
urlpatterns = [
    path("login/", views_auth.login_view, name="login"),
    path("logout/", views_auth.logout_view, name="logout"),
    path("password/change/", views_auth.password_change_view, name="password_change"),
    path("otp/verify/", views.placeholder, name="otp_verify"),
    path("otp/setup/", views.placeholder, name="otp_setup"),
    path("profile/", views.placeholder, name="profile"),
    path("tokens/", views.placeholder, name="tokens"),
    path("users/", views.placeholder, name="users"),
    path("roles/", views.placeholder, name="roles"),
    path("policy/", views.placeholder, name="policy"),
]
